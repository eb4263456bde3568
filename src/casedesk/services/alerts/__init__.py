"""Alerts on the device: the rule set in effect and its import (`rules`), evaluation (`evaluate`), the alerts a
user is told of and what they do about them (`service`), and the no-personal-data email (`mail`)."""
