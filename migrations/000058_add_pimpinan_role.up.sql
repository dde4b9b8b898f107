-- The regent's office (pimpinan daerah) reads the spending dashboards and
-- nothing else; the role is tied to neither an OPD nor a supplier.
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
    CHECK (role IN ('pp', 'ppk', 'treasurer', 'supplier', 'koperindag', 'admin', 'auditor', 'pimpinan'));
