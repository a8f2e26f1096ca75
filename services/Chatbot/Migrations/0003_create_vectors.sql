-- Chunk embeddings of the local vector store (VectorStore:Provider = local). The chunk id is {document_id}#{n};
-- no foreign key to the document tables: the store is a separate component, and documents delete their vectors.
-- Vectors are unit length, float32 little-endian packed in bytea (compact, and read straight into memory).
CREATE TABLE vectors (
    org_id       uuid  NOT NULL,
    id           text  NOT NULL,
    document_id  uuid  NOT NULL,
    embedding    bytea NOT NULL CHECK (octet_length(embedding) > 0 AND octet_length(embedding) % 4 = 0),
    PRIMARY KEY (org_id, id)
);

CREATE INDEX vectors_org_document_idx ON vectors (org_id, document_id);

-- One counter per organisation, raised by every change: an instance whose in-memory copy is older catches up.
CREATE TABLE vector_versions (
    org_id   uuid   PRIMARY KEY,
    version  bigint NOT NULL
);

-- Which documents each version changed, so catching up reloads only those (recent versions only: an instance
-- further behind reloads the organisation).
CREATE TABLE vector_changes (
    org_id       uuid   NOT NULL,
    version      bigint NOT NULL,
    document_id  uuid   NOT NULL,
    PRIMARY KEY (org_id, version, document_id)
);
