-- fixture
SELECT 10;
