# dcsim — see README.md. Every target works on a fresh clone with Go 1.26.
GO       ?= go
BIN      := bin/dcsim
PKGS     := ./...
FUZZTIME ?= 10s

.PHONY: all build run test vet fmt-check unit race bench fuzz interop-deps clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/dcsim

# Simulate the embedded default scenario into out/.
run: build
	./$(BIN) run default -o out

# The full test suite: vet, formatting, every test, the race detector on the engine.
test: vet fmt-check unit race

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -count=1 $(PKGS)

race:
	$(GO) test -count=1 -race -short ./sim/... ./models/dc/... ./internal/runner/... ./scenarios/sweep/...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./sim/ ./models/policy/ ./internal/bench/

# A short smoke run of every fuzz target (go test -fuzz takes one target per run).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg; \
	  done; \
	done

# Node packages for the interop tests (nodejs-polars, apache-arrow, @duckdb/node-api).
interop-deps:
	npm ci --prefix internal/interop --no-audit --no-fund

clean:
	rm -rf bin out
