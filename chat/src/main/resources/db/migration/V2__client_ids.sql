-- The id a client gives a message it sends, so that a retry (after a lost acknowledgement) stores nothing twice.
-- Unique per sender; rows without one (NULL) are not compared.
ALTER TABLE messages ADD COLUMN client_id VARCHAR(64);
CREATE UNIQUE INDEX messages_sender_client_id ON messages (sender, client_id);
ALTER TABLE private_messages ADD COLUMN client_id VARCHAR(64);
CREATE UNIQUE INDEX private_messages_sender_client_id ON private_messages (sender, client_id);
