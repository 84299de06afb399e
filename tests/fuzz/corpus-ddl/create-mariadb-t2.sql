CREATE TABLE `t2` (
  `a` int(11) NOT NULL,
  `b` varchar(20) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL,
  `c` bigint(20) unsigned zerofill DEFAULT NULL,
  `d` double(8,3) unsigned DEFAULT NULL,
  `e` enum('x','y,z','it''s') DEFAULT 'x',
  `f` set('a','b') NOT NULL,
  `g` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`g`)),
  `h` blob DEFAULT NULL,
  `i` bit(3) DEFAULT b'101',
  `j` varbinary(16) DEFAULT '\0?',
  `k` datetime(6) DEFAULT '2020-01-01 00:00:00.000000',
  `l` float DEFAULT NULL,
  `m` year(4) DEFAULT NULL,
  `n` geometry NOT NULL,
  PRIMARY KEY (`a`,`b`),
  SPATIAL KEY `sp` (`n`),
  FULLTEXT KEY `ft` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci