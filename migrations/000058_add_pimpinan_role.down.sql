DELETE FROM user_roles WHERE role = 'pimpinan';
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
    CHECK (role IN ('pp', 'ppk', 'treasurer', 'supplier', 'koperindag', 'admin', 'auditor'));
