"""Drinking-water sources, zones and pollution sources (一张图): the domain types, the registers,
cross-layer findings and what the map draws."""
