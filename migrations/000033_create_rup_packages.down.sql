DROP TABLE IF EXISTS rup_packages;
