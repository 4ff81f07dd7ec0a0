"""The bundled sample month and flawed files (``officekit sample``); see :mod:`.generate`."""
