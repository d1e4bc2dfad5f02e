# The two commands a fresh machine needs are `make run` and `make test`.
GO ?= go

.PHONY: run test vet build bench deps

# Browser tests drive Debian's Chromium; CJK and Khmer fonts make screenshots
# readable. Installed once, only when missing.
BROWSER_PKGS = chromium fonts-noto-core fonts-noto-cjk
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

run:
	$(GO) run ./cmd/hotline serve

# test installs what the tests need, then runs every test, the fuzz seed
# corpora and the dev-set accuracy check.
test: deps vet
	$(GO) test -count=1 -timeout 20m ./...

deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans Khmer" || \
		{ $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(BROWSER_PKGS); }

vet:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || (echo "gofmt: files above need formatting" >&2; exit 1)
	$(GO) vet ./...

build:
	$(GO) build -o hotline ./cmd/hotline
	$(GO) build -o hotline-load ./cmd/hotline-load

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./triage/... ./store/...
