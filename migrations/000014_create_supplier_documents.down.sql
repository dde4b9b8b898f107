DROP TABLE supplier_documents;
