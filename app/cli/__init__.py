"""Operator and developer commands: `python -m app.cli <command>`.

- `cron`: list the cron workers, or run one once (either mode);
- `token`: mint a development token for any person or a platform admin;
- `demo`: fill the database with a demo gym and print first API calls.

`token` and `demo` refuse to run with APP_ENV=production.
"""
