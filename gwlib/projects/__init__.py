"""项目储备库: groundwater pollution-prevention projects, their funds and figures."""
