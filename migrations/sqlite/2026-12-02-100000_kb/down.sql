DROP TRIGGER kb_articles_fts_delete;
DROP TRIGGER kb_articles_fts_update;
DROP TRIGGER kb_articles_fts_insert;
DROP TABLE kb_fts_rows;
DROP TABLE kb_fts;
DROP TABLE kb_articles;
