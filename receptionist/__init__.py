"""On-premises AI receptionist for FreeSWITCH and Asterisk."""

__version__ = "0.1.0"
