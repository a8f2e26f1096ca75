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

.PHONY: help infra build run stop status down test format bench weight rollout bench-gateway bench-jobs bench-migrate bench-chat

help:
	@echo "make run     infrastructure up, build, start the fleet in the background, print the URLs"
	@echo "make test    infrastructure up, build, run every NUnit test project (TRX under $(RESULTS_DIR))"
	@echo "make status  what is running"
	@echo "make stop    stop the fleet (servers keep running)"
	@echo "make down    stop the fleet and the local servers"
	@echo "make format  check formatting (dotnet format)"
	@echo "make bench   run the benchmarks"
	@echo "make bench-gateway   the gateway against direct, nginx and bare YARP (about 7 min; QUICK=1: about 2 min)"
	@echo "make bench-jobs      2,000 analysis jobs through the gateway, 2 --role worker Analyzers (QUICK=1: 200 jobs)"
	@echo "make bench-migrate   1,000,000 legacy chatbot_messages: the migrator vs pgloader vs raw COPY (QUICK=1: 100,000)"
	@echo "make bench-chat      vector search p50/p95 over 100,000 chunks, then /chat requests/s through the gateway (QUICK=1: 20,000 chunks)"
	@echo "make weight ROUTE=analyzer NEW=25 REASON=\"...\"   share of a route's clients sent to the new services"
	@echo "make rollout the current weights"

infra:
	@deploy/local/up.sh

build:
	dotnet build $(SOLUTION) $(DOTNET_FLAGS)

run: infra build
	@CONFIGURATION=$(CONFIGURATION) deploy/local/fleet.sh start
	@echo
	@echo "Web UI       http://127.0.0.1:8090   (sign in with the demo key and secret in .local/demo-key.env)"
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

# Ops during the cutover, with the demo key that `make run` made (or OPS_KEY / OPS_SECRET).
GATEWAY ?= http://127.0.0.1:8080
DEMO_KEY_FILE := .local/demo-key.env
weight:
	@test -n "$(ROUTE)" -a -n "$(NEW)" -a -n "$(REASON)" || { echo 'usage: make weight ROUTE=analyzer NEW=25 REASON="why"'; exit 2; }
	@set -a; [ -f $(DEMO_KEY_FILE) ] && . ./$(DEMO_KEY_FILE); set +a; \
	  body=$$(python3 -c 'import json,sys; w = sys.argv[1]; print(json.dumps({"weight": int(w) if w.lstrip("-").isdigit() else w, "reason": sys.argv[2]}))' "$(NEW)" "$(REASON)"); \
	  curl -sS -X PUT "$(GATEWAY)/ops/rollout/$(ROUTE)" -H "api-key: $${OPS_KEY:-$$DEMO_API_KEY}" -H "api-secret: $${OPS_SECRET:-$$DEMO_API_SECRET}" \
	    -H 'Content-Type: application/json' --data "$$body" -w '\n'

rollout:
	@set -a; [ -f $(DEMO_KEY_FILE) ] && . ./$(DEMO_KEY_FILE); set +a; \
	  curl -sS "$(GATEWAY)/ops/rollout" -H "api-key: $${OPS_KEY:-$$DEMO_API_KEY}" -H "api-secret: $${OPS_SECRET:-$$DEMO_API_SECRET}" -w '\n'

format:
	dotnet format $(SOLUTION) --verify-no-changes

# Benchmarks are not tests: each prints figures against targets. Later issues add bench-gateway, bench-jobs, ...
BENCHMARKS := bench-gateway bench-jobs bench-migrate bench-chat
# wrk at 16 and 64 connections: direct, nginx, bare YARP and the gateway in front of one upstream (deploy/bench/README.md)
bench-gateway: infra build
	@CONFIGURATION=$(CONFIGURATION) NO_INFRA=1 NO_BUILD=1 deploy/bench/gateway.sh

# N async analysis jobs (offline AI) through the gateway: jobs/s, p50/p95 to succeeded, lost/duplicated (deploy/bench/jobs.sh)
bench-jobs: infra build
	@CONFIGURATION=$(CONFIGURATION) NO_INFRA=1 deploy/bench/jobs.sh

# the data migration (services/Migrator) against pgloader and a raw binary COPY on a generated legacy MariaDB (deploy/bench/migrate.sh)
bench-migrate: infra build
	@CONFIGURATION=$(CONFIGURATION) NO_INFRA=1 NO_BUILD=1 deploy/bench/migrate.sh

# local vector search latency over 100,000 chunks (target p95 <= 20 ms) and /chat requests/s, offline AI (deploy/bench/chat.sh)
bench-chat: infra build
	@CONFIGURATION=$(CONFIGURATION) NO_INFRA=1 deploy/bench/chat.sh

bench: $(BENCHMARKS)
	@if [ -z "$(BENCHMARKS)" ]; then echo "No benchmarks yet."; fi
