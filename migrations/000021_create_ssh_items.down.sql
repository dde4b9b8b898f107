DROP TABLE ssh_item_changes; DROP TABLE ssh_items; DROP TABLE ssh_imports;
