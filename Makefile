# The two commands a fresh machine needs are `make run` and `make test`.
GO ?= go

.PHONY: run test vet build bench load

run:
	$(GO) run ./cmd/hotline serve

# test installs what the tests need, then runs every test, the fuzz seed
# corpora and the dev-set accuracy check.
test: vet
	$(GO) test -count=1 -timeout 20m ./...

vet:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || (echo "gofmt: files above need formatting" >&2; exit 1)
	$(GO) vet ./...

build:
	$(GO) build -o hotline ./cmd/hotline
	$(GO) build -o hotline-load ./cmd/hotline-load

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./triage/... ./store/...
