DROP TABLE registry_imports; DROP TABLE registry_entries;
