"""Case transfer between areas from the app: the calls the child page's and Administration page's dialogs make."""
