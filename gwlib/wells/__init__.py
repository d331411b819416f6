"""Abandoned wells (报废矿井、钻井、取水井) and their 封井回填: the domain types, the lifecycle,
sealing records, the ledger's rules (responsibility, overdue, progress) and the risk priority."""
