CREATE TABLE `t3` (
  `id` int(11) NOT NULL,
  `x` int(11) DEFAULT NULL,
  `y` int(11) GENERATED ALWAYS AS (`x` * 2) VIRTUAL,
  `z` int(11) GENERATED ALWAYS AS (`x` + 1) STORED,
  `w` varchar(10) GENERATED ALWAYS AS (concat('a,',`x`)) STORED,
  `inv` int(11) INVISIBLE DEFAULT 5,
  PRIMARY KEY (`id`),
  KEY `ky` (`y`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci