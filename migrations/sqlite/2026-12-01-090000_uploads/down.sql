DELETE FROM jobs WHERE kind = 'uploads.expire';
DROP TABLE uploads;
