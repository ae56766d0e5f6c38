"""The five boards, each a function of :class:`~dashboards.inputs.BoardInputs` returning a
:class:`~dashboards.assemble.BoardSpec`."""
