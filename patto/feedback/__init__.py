"""How clear a page was: the rating widget AgID's model asks for on every public page
("Quanto sono chiare le informazioni su questa pagina?"), its answers and the staff's summary."""
