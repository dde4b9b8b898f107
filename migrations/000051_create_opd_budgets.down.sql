DROP TABLE IF EXISTS opd_budgets;
