-- fixture
SELECT 2;
