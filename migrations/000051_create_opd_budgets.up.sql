-- Each OPD's goods-and-services budget (belanja barang dan jasa) of a fiscal
-- year, entered by an admin from the APBD. The spending dashboard compares
-- what the OPD spent through Lapak with it; without a row it falls back to
-- the sum of the OPD's RUP packages' pagu of that year, and says so.
CREATE TABLE opd_budgets (
    opd_id                 bigint NOT NULL REFERENCES opds (id),
    fiscal_year            int NOT NULL CHECK (fiscal_year BETWEEN 2020 AND 2100),
    goods_services_budget  bigint NOT NULL CHECK (goods_services_budget > 0 AND goods_services_budget <= 100000000000000),
    entered_by             bigint NOT NULL REFERENCES users (id),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (opd_id, fiscal_year)
);
