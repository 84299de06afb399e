CREATE TABLE `t8` (
  `id` int(11) NOT NULL,
  `x` varchar(10) NOT NULL DEFAULT 'a''b\\c',
  `y` char(5) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT NULL,
  `z` varchar(5) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci DEFAULT NULL,
  `t` time(2) DEFAULT '10:00:00.00',
  `u` uuid DEFAULT NULL,
  `i` inet6 DEFAULT NULL,
  `m` mediumint(8) unsigned zerofill DEFAULT NULL,
  `s` smallint(6) DEFAULT -1,
  `r` double DEFAULT NULL,
  `n` decimal(5,0) DEFAULT NULL,
  `bo` tinyint(1) DEFAULT 1,
  `lt` longtext /*M!100301 COMPRESSED*/ DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci