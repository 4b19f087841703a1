/** The words a factory's quality records are written in: enough variety for realistic row sizes. */

export const DEPARTMENTS = [
  ['assembly', 0.22],
  ['molding', 0.22],
  ['stamping', 0.14],
  ['painting', 0.12],
  ['machining', 0.12],
  ['welding', 0.1],
  ['packaging', 0.08],
] as const;

/** Departments the development API keys act for: the HTTP benchmark plans actions as them. */
export const BENCH_DEPARTMENTS = ['assembly', 'molding'] as const;

export const DEFECTS = [
  'Burr on the flange edge, sharp to the touch',
  'Dimension out of tolerance on bore diameter (+0.08 mm)',
  'Scratches on the painted surface, visible at 50 cm',
  'Missing clip on the sub-assembly',
  'Short shot on the molded housing, rib incomplete',
  'Wrong label: part number does not match the packing list',
  'Weld spatter on the mounting face',
  'Thread damaged, gauge does not go in',
  'Colour mismatch against the master sample',
  'Crack at the corner radius after assembly at the customer',
  '毛刺超标,客户装配时划伤',
  '尺寸超差,孔径偏大',
  '包装破损,产品表面压伤',
  '漏装卡扣',
];

export const CONTAINMENTS = [
  '100 % sort of stock at our warehouse and in transit; suspect lots blocked in the ERP',
  'Replacement parts shipped by air, customer stock sorted by our resident engineer',
  'Suspect lots on hold, third-party sorting at the customer site arranged',
  '库存及在途产品全检,可疑批次冻结',
];

export const ROOT_CAUSES = [
  ['machine', 'Worn punch on station 3 produced the burr; wear not caught by the maintenance plan'],
  ['method', 'Work instruction did not require the clip check after the press-fit step'],
  ['material', 'Resin lot with high moisture content; drying time not adjusted'],
  ['man', 'New operator skipped the visual check at the end of the line'],
  ['measurement', 'Go/no-go gauge out of calibration, accepted oversize bores'],
  ['environment', 'Paint booth humidity above limit during the night shift'],
] as const;

export const EXPLANATIONS = [
  'The control plan checked the dimension once per shift; the drift happened within a shift.',
  'The PFMEA rated detection 3 for this failure mode although no in-line check existed.',
  'Maintenance interval set by calendar time, not by stroke count.',
  '首件检验记录不完整,未发现刀具磨损。',
];

export const ACTIONS = [
  'Change the punch every 80,000 strokes and add a burr check to the first-piece inspection',
  'Add a vision check for the clip after press-fit; poka-yoke on the fixture',
  'Install an in-line moisture analyser on the dryer, interlock with the injection machine',
  'Retrain operators on the end-of-line check; add it to the layered process audit',
  'Calibrate gauges monthly instead of quarterly; add them to the MSA plan',
  'Add humidity control to the paint booth with an alarm to the shift leader',
];

export const PREVENTIVE = [
  'Roll the stroke-count maintenance out to every press line',
  'Review all PFMEAs of the product family for the same failure mode',
  'Extend the poka-yoke to the two sister fixtures',
  'Share the lesson learned in the quality meeting of every plant',
];

export const PROCESSES = [
  'stamping line 2',
  'press-fit cell B',
  'injection molding 450t',
  'paint line 1',
  'final inspection',
  'packing',
];

export const WAIVER_REASONS = [
  'The failure mode is specific to a tool retired at the end of the month',
  'One-off supplier material issue, supplier changed; nothing to prevent on our side',
];

export const REPLIES = [
  'Please find attached our 8D report with containment, root cause and corrective actions.',
  'After analysis the defect was caused by handling at your receiving dock; see the attached photos.',
  '附件为8D报告,请查收。',
];

export const NOT_OURS = [
  'Damage occurred in transport under the customer’s forwarder; our packing met the specification',
  'The part was used outside its specified temperature range',
];

export const FINDINGS = [
  'Defect confirmed on the returned parts, matches the complaint description',
  'Parts measured in the lab; dimensions within tolerance on most pieces',
  'Visual inspection under 10x magnification, cracks confirmed on some pieces',
];

export const SURVEY_COMMENTS = [
  'Response time to complaints should improve',
  'Delivery reliability was good this period',
  'Price increase not well explained',
  '服务态度好,交期需改进',
];

export const SURVEY_COUNTERMEASURES = [
  'Weekly call with the customer’s buyer; delivery dashboard shared',
  'Dedicated complaint coordinator assigned to the account',
  'Cost breakdown explained in the next business review',
];

export const NOTIFICATIONS = [
  'Customer scorecard: quality rating dropped to B',
  'Delivery performance warning for the last month',
  'Controlled shipping level 1 imposed after repeated defects',
  'New business hold until the 8D is closed',
];

export const CONTACT_NAMES = [
  'Li Wei',
  'Zhang Min',
  'Wang Fang',
  'Anna Müller',
  'John Smith',
  'Chen Jie',
  'Maria Rossi',
  'Liu Yang',
];
