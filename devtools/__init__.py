"""Development tools shared by the tests and the benchmarks (never imported by the app):
a scratch PostgreSQL server, the app served for a browser, Debian's Chromium and its flags."""
