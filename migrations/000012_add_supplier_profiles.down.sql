DROP INDEX suppliers_nib_key; DROP INDEX suppliers_status_idx; DROP INDEX suppliers_place_idx;
ALTER TABLE suppliers DROP COLUMN owner_name, DROP COLUMN legal_form, DROP COLUMN nib, DROP COLUMN npwp,
    DROP COLUMN pkp, DROP COLUMN pp55, DROP COLUMN scale, DROP COLUMN scale_basis, DROP COLUMN capital,
    DROP COLUMN annual_sales, DROP COLUMN address, DROP COLUMN phone, DROP COLUMN email, DROP COLUMN bank_name,
    DROP COLUMN bank_account_no, DROP COLUMN bank_account_name, DROP COLUMN products, DROP COLUMN origin,
    DROP COLUMN submitted_at, DROP COLUMN verified_at, DROP COLUMN verified_by, DROP COLUMN review_note,
    DROP COLUMN suspended_reason, DROP COLUMN version;
