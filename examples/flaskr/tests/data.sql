-- Test data. The passwords are "test" and "other", hashed with
-- werkzeug.security.generate_password_hash.

INSERT INTO user (username, password)
VALUES
  ('test', 'scrypt:32768:8:1$PCfqpiAzVfQjfVev$96a2c40d69db91d3a4ded941eb37bd726cc14d4e62d3a9a445ca7914e32862fc6f2bb2bdbfab05163b8a90e3530411251735575702742e7311f950185fcd70e7'),
  ('other', 'scrypt:32768:8:1$HDAC8rNzo90EG8lx$b6867d43aba7bc65f08fde190925dbb363fb96263084b46be14b241a677bf2fd9d985d6f00c3ebea8643a40bf9062e8155d428eb63905106595b3139e88a094e');

INSERT INTO post (title, body, author_id, created)
VALUES
  ('test title', 'test' || char(10) || 'body', 1, '2024-01-01 00:00:00');
