//! Plausible bounds on the values of a country's data tables. A value outside them is a
//! corrupt or mis-scaled table (a cell in persons where thousands are expected, a stray
//! exponent), rejected with the file, line and column before the model sees it. Each
//! bound is far beyond any real country's figure, and says why in its message.

/// Persons in one single age and sex (base population): a billion; the largest single-age
/// cohort of any country (India) is under 15 million per sex.
pub const PERSONS_PER_AGE: (f64, &str) = (1.0e9, "persons in one age and sex; no country has a billion");
/// Thousands of persons in one 5-year age group and sex (WPP estimates): a billion persons.
pub const THOUSANDS_PER_GROUP: (f64, &str) =
    (1.0e6, "thousands of persons in one age group and sex; no country has a billion");
/// Children per woman: as for a scenario's TFR ([`crate::scenario::spec::bounds::TFR`]).
pub const TFR: (f64, &str) = (10.0, "children per woman; no national TFR on record is above 9");
/// Share of a year's TFR in one age group, in percent.
pub const PASFR_PERCENT: (f64, &str) = (100.0, "a percentage of the TFR");
/// Central death rate (deaths per person-year): 10 means a mean survival of about five weeks.
pub const MX: (f64, &str) = (10.0, "deaths per person-year; 10 means about five weeks of life on average");
/// Life expectancy at birth in years: the longest recorded life is 122 years.
pub const E0: (f64, &str) = (130.0, "years; the longest recorded life is 122 years");
/// Net migration in thousands a year, either sign: ten million a year.
pub const NET_MIGRATION_THOUSANDS: (f64, &str) =
    (1.0e4, "thousands a year; ten million is beyond any country's recorded migration");
/// Net migration of one single age and sex in thousands a year, either sign: a million.
pub const NET_MIGRATION_THOUSANDS_PER_AGE: (f64, &str) = (1.0e3, "thousands a year in one age and sex");
/// Births or deaths in thousands a year: a hundred million (the whole world has about 130
/// million births a year).
pub const VITAL_THOUSANDS: (f64, &str) = (1.0e5, "thousands a year; a hundred million is most of the world's");
