-- fixture
SELECT 1;
