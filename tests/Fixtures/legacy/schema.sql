-- The legacy Python app's schema on MySQL/MariaDB, as it created it (SQLAlchemy-era habits included): INT
-- auto-increment ids, TINYINT(1) booleans, DATETIME in UTC, utf8mb4 text, JSON kept in JSON or LONGTEXT columns,
-- comma-separated scopes, plain API secrets, and several tables without foreign keys.
-- The data migration (services/Migrator) reads this schema; its tests and `make bench-migrate` create it.
SET NAMES utf8mb4;

CREATE TABLE organizations (
    id          INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    slug        VARCHAR(63) NOT NULL UNIQUE,
    settings    JSON NULL,
    is_active   TINYINT(1) NOT NULL DEFAULT 1,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
    id               INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    organization_id  INT NOT NULL,
    external_user_id VARCHAR(200) NOT NULL,
    email            VARCHAR(254) NOT NULL,
    full_name        VARCHAR(200) NOT NULL,
    role             ENUM('member', 'admin', 'ops') NOT NULL DEFAULT 'member',
    is_active        TINYINT(1) NOT NULL DEFAULT 1,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    UNIQUE KEY users_org_external (organization_id, external_user_id),
    CONSTRAINT fk_users_org FOREIGN KEY (organization_id) REFERENCES organizations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_keys (
    id               INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    organization_id  INT NOT NULL,
    name             VARCHAR(100) NOT NULL,
    api_key          VARCHAR(100) NOT NULL UNIQUE,
    api_secret       VARCHAR(200) NOT NULL,
    scopes           VARCHAR(500) NOT NULL DEFAULT 'analyzer,chatbot,evaluator',
    rate_limit       INT NULL,
    is_active        TINYINT(1) NOT NULL DEFAULT 1,
    last_used_at     DATETIME NULL,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    KEY api_keys_org (organization_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- one row per version; the active one has is_active = 1; organization_id NULL = the global default
CREATE TABLE prompts (
    id               INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    prompt_key       VARCHAR(100) NOT NULL,
    version          INT NOT NULL,
    organization_id  INT NULL,
    description      VARCHAR(500) NULL,
    template         LONGTEXT NOT NULL,
    temperature      FLOAT NULL,
    max_tokens       INT NULL,
    is_active        TINYINT(1) NOT NULL DEFAULT 0,
    created_by       VARCHAR(100) NULL,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    UNIQUE KEY prompts_key_org_version (prompt_key, organization_id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE guidelines (
    id               INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    organization_id  INT NOT NULL,
    title            VARCHAR(200) NOT NULL,
    content          LONGTEXT NOT NULL,
    source           ENUM('text', 'pdf', 'docx', 'markdown') NOT NULL DEFAULT 'text',
    file_name        VARCHAR(255) NULL,
    file_blob        LONGBLOB NULL,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    CONSTRAINT fk_guidelines_org FOREIGN KEY (organization_id) REFERENCES organizations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE analyzer_sessions (
    id               CHAR(36) NOT NULL PRIMARY KEY,
    organization_id  INT NOT NULL,
    user_id          VARCHAR(200) NOT NULL,
    document_name    VARCHAR(255) NULL,
    document_text    LONGTEXT NOT NULL,
    sections         JSON NULL,
    status           ENUM('pending', 'processing', 'completed', 'failed') NOT NULL DEFAULT 'completed',
    error_message    TEXT NULL,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    KEY analyzer_sessions_org_user (organization_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- no foreign keys: the legacy app deleted sessions and left these behind
CREATE TABLE analyzer_followups (
    id          INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    session_id  CHAR(36) NOT NULL,
    question    TEXT NOT NULL,
    answer      LONGTEXT NOT NULL,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY analyzer_followups_session (session_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE analyzer_feedback (
    id          INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    session_id  CHAR(36) NOT NULL,
    rating      TINYINT NOT NULL,
    comment     TEXT NULL,
    section     VARCHAR(50) NULL,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE chatbot_sessions (
    id               INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    organization_id  INT NOT NULL,
    user_id          VARCHAR(200) NOT NULL,
    channel          ENUM('api', 'web', 'whatsapp') NOT NULL DEFAULT 'api',
    title            VARCHAR(255) NULL,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    KEY chatbot_sessions_org_user (organization_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE chatbot_messages (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    session_id     INT NOT NULL,
    role           ENUM('user', 'assistant') NOT NULL,
    content        LONGTEXT NOT NULL,
    refined_query  TEXT NULL,
    context_data   LONGTEXT NULL,
    created_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY chatbot_messages_session (session_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE chatbot_feedback (
    id               INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    organization_id  INT NOT NULL,
    message_id       BIGINT NOT NULL,
    rating           TINYINT NOT NULL,
    comment          TEXT NULL,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE evaluator_sessions (
    id                 INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    organization_id    INT NOT NULL,
    user_id            VARCHAR(200) NOT NULL,
    proposal_name      VARCHAR(255) NULL,
    proposal_text      LONGTEXT NOT NULL,
    tor_name           VARCHAR(255) NULL,
    tor_text           LONGTEXT NOT NULL,
    internal_analysis  JSON NULL,
    external_analysis  JSON NULL,
    delta_analysis     JSON NULL,
    status             ENUM('pending', 'processing', 'completed', 'failed') NOT NULL DEFAULT 'completed',
    created_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    KEY evaluator_sessions_org_user (organization_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE evaluator_followups (
    id          INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    session_id  INT NOT NULL,
    question    TEXT NOT NULL,
    answer      LONGTEXT NOT NULL,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_evaluator_followups_session FOREIGN KEY (session_id) REFERENCES evaluator_sessions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE evaluator_feedback (
    id          INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    session_id  INT NOT NULL,
    rating      TINYINT NOT NULL,
    comment     TEXT NULL,
    part        VARCHAR(50) NULL,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
