# The two commands: `make run` (the fleet on 127.0.0.1) and `make test` (every test against real servers).
# Both set up everything they need on a fresh Debian machine: packages, servers under .local/, build, migrations.

SHELL := /bin/bash
CONFIGURATION ?= Release
SOLUTION := Platform.slnx
RESULTS_DIR ?= .local/test-results
DOTNET_FLAGS := --nologo -c $(CONFIGURATION)
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: help infra build run stop status down test format bench

help:
	@echo "make run     infrastructure up, build, start the fleet in the background, print the URLs"
	@echo "make test    infrastructure up, build, run every NUnit test project (TRX under $(RESULTS_DIR))"
	@echo "make status  what is running"
	@echo "make stop    stop the fleet (servers keep running)"
	@echo "make down    stop the fleet and the local servers"
	@echo "make format  check formatting (dotnet format)"
	@echo "make bench   run the benchmarks"

infra:
	@deploy/local/up.sh

build:
	dotnet build $(SOLUTION) $(DOTNET_FLAGS)

run: infra build
	@CONFIGURATION=$(CONFIGURATION) deploy/local/fleet.sh start
	@echo
	@echo "Gateway      http://127.0.0.1:8080   (API under /api/v1/{admin,analyzer,chatbot,evaluator}/...)"
	@echo "Admin        http://127.0.0.1:8081   Analyzer http://127.0.0.1:8082"
	@echo "Chatbot      http://127.0.0.1:8083   Evaluator http://127.0.0.1:8084"
	@echo "API docs     http://127.0.0.1:<port>/scalar   metrics at /metrics, health at /health/ready"
	@echo "Logs         .local/logs/<app>.log     stop with: make down"

status:
	@deploy/local/fleet.sh status

stop:
	@deploy/local/fleet.sh stop

down: stop
	@deploy/local/down.sh

test: infra build
	rm -rf $(RESULTS_DIR)
	dotnet test $(SOLUTION) $(DOTNET_FLAGS) --no-build --logger trx --results-directory $(RESULTS_DIR) \
		--logger "console;verbosity=minimal"

format:
	dotnet format $(SOLUTION) --verify-no-changes

# Benchmarks are not tests: each prints figures against targets. Later issues add bench-gateway, bench-jobs, ...
BENCHMARKS :=
bench: $(BENCHMARKS)
	@if [ -z "$(BENCHMARKS)" ]; then echo "No benchmarks yet."; fi
