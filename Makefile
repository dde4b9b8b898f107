# Lapak — `make help` lists the targets.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/lapak
SUDO  := $(if $(filter 0,$(shell id -u)),,sudo)
E2E   := internal/e2e

.DEFAULT_GOAL := help

## help: list the targets
.PHONY: help
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST) | awk -F': ' '{printf "  %-22s %s\n", $$1, $$2}'

## run: build, install PostgreSQL if missing, start Lapak with a demo regency
.PHONY: run
run: deps/postgres build
	@set -a; [ -f .env ] && . ./.env; set +a; exec ./$(BIN) serve --demo

## build: build bin/lapak
.PHONY: build
build:
	$(GO) build -o $(BIN) ./cmd/lapak

## test: every test (unit, database, HTTP, browser, accessibility) with -race
.PHONY: test
test: deps/postgres deps/chromium deps/e2e build
	@dir=$$(mktemp -d /tmp/lapak-test-XXXXXX); chmod 755 $$dir; \
	if ! url=$$(./$(BIN) pg start --fast --dir $$dir 2>$$dir/start.log); then cat $$dir/start.log; rm -rf $$dir; exit 1; fi; \
	echo "test PostgreSQL: $$url"; \
	LAPAK_TEST_DATABASE_URL="$$url" $(GO) test -race -count=1 -timeout 20m ./...; rc=$$?; \
	./$(BIN) pg stop --dir $$dir >/dev/null 2>&1; rm -rf $$dir; exit $$rc

## test/short: quick unit tests without database or browser
.PHONY: test/short
test/short:
	$(GO) test -short ./internal/validate/... ./internal/rupiah/... ./internal/wib/... ./internal/config/... ./internal/metrics/...

## bench: every benchmark (each prints its figures and ends with one line of JSON)
.PHONY: bench
bench: deps/postgres build
	./$(BIN) bench import
	./$(BIN) bench search
	./$(BIN) bench order
	./$(BIN) bench reports

## lint: gofmt, go vet, staticcheck, templ formatting
.PHONY: lint
lint:
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) tool templ fmt -fail web

## fmt: format Go and templ files
.PHONY: fmt
fmt:
	gofmt -w $$(git ls-files -co --exclude-standard '*.go')
	$(GO) tool templ fmt web

## generate: regenerate templ components
.PHONY: generate
generate:
	$(GO) tool templ generate -path web

## check/generated: fail when generated files or go.mod are stale
.PHONY: check/generated
check/generated: generate
	$(GO) mod tidy
	@git diff --exit-code -- web go.mod go.sum || { echo "generated files or go.mod are stale: run 'make generate' and 'go mod tidy', then commit"; exit 1; }

## db/migrations/new: add a migration pair, e.g. make db/migrations/new name=add_listing_stock
.PHONY: db/migrations/new
db/migrations/new:
	@test -n "$(name)" || { echo "usage: make db/migrations/new name=verb_object"; exit 1; }
	@n=$$(ls migrations/*.up.sql | sed 's#migrations/0*\([0-9]*\)_.*#\1#' | sort -n | tail -1); n=$$(printf '%06d' $$((n + 1))); \
	touch migrations/$${n}_$(name).up.sql migrations/$${n}_$(name).down.sql; echo "created migrations/$${n}_$(name).{up,down}.sql"

## db/migrate: apply migrations (embedded cluster, or DATABASE_URL)
.PHONY: db/migrate
db/migrate: build
	./$(BIN) migrate

## audit: verify the audit trail's hash chain
.PHONY: audit
audit: build
	./$(BIN) audit verify

# Dependencies from Debian and npm, installed only when missing.
.PHONY: deps/postgres deps/chromium deps/e2e
deps/postgres:
	@if command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then :; else \
		echo "PostgreSQL binaries missing: installing with apt-get"; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y --no-upgrade postgresql postgresql-contrib; fi

deps/chromium:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then :; else \
		echo "Chromium missing (browser tests): installing with apt-get"; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y --no-upgrade chromium; fi

deps/e2e: $(E2E)/node_modules/axe-core/axe.min.js

$(E2E)/node_modules/axe-core/axe.min.js: $(E2E)/package.json $(E2E)/package-lock.json
	@command -v npm >/dev/null || { echo "npm missing: installing with apt-get"; $(SUDO) apt-get update -q && $(SUDO) apt-get install -y --no-upgrade nodejs npm; }
	cd $(E2E) && npm ci --no-audit --no-fund
	@touch $@
