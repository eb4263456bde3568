""" "My work": the page that opens after unlock, the alert dialog, and the controller that evaluates alert rules
after every change and tells the user of urgent ones."""
