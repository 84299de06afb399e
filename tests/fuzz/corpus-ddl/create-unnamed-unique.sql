CREATE TABLE `t6` (
  `id` int(11) NOT NULL,
  `u` varchar(30) NOT NULL,
  `ts` timestamp(3) NULL DEFAULT NULL,
  `d2` datetime DEFAULT current_timestamp(),
  `de` varchar(10) DEFAULT concat('a','b'),
  `dd` int(11) DEFAULT (1 + 1),
  UNIQUE(`u`),
  KEY `idx_desc` (`ts` DESC,`u`(5))
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8