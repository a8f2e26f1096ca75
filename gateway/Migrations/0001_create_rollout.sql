-- Old/new traffic weight per route group, changed by ops during the cutover, with an audit row per change.
CREATE TABLE rollout_routes (
    route       text        PRIMARY KEY CHECK (route ~ '^[a-z][a-z0-9-]*$'),
    weight      integer     NOT NULL DEFAULT 100 CHECK (weight BETWEEN 0 AND 100),
    sticky_by   text        NOT NULL DEFAULT 'api-key' CHECK (sticky_by IN ('api-key', 'user-id', 'session')),
    changed_by  text        NOT NULL DEFAULT 'system',
    reason      text        NOT NULL DEFAULT 'initial',
    changed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rollout_history (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    route       text        NOT NULL REFERENCES rollout_routes (route),
    old_weight  integer,
    new_weight  integer     NOT NULL CHECK (new_weight BETWEEN 0 AND 100),
    changed_by  text        NOT NULL,
    reason      text        NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX rollout_history_route_idx ON rollout_history (route, id DESC);
