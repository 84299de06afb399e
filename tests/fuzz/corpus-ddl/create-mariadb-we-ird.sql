CREATE TABLE `we``ird` (
  `sel``ect` int(11) NOT NULL,
  `ключ` varchar(10) DEFAULT NULL COMMENT 'comm''ent, x',
  `order` int(11) DEFAULT NULL,
  UNIQUE KEY `u``q` (`sel``ect`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='x'