-- Import (issue 6): `import PATH...` skips a message whose exact bytes are stored already, so that it can run again
-- over the same files without counting anything twice. The look-up is by message.sha256 (the SHA-256 of the raw
-- bytes, lower-case hex), which needs an index once there are years of mail.
CREATE INDEX message_sha256 ON message (sha256);
