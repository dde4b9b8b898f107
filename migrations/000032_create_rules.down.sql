DROP TABLE IF EXISTS rule_versions;
DROP FUNCTION IF EXISTS rule_versions_append_only();
DROP TABLE IF EXISTS rules;
