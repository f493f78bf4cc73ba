//! Vietnamese personal identification number (CCCD): 12 digits = 3-digit province of birth
//! registration, 1 century/sex digit, 2-digit year of birth, 6 random digits.

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CccdError {
    #[error("a CCCD has exactly 12 digits")]
    Shape,
}

/// Normalises (trims spaces) and checks the shape. Returns the 12 digits.
pub fn parse(input: &str) -> Result<String, CccdError> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 12 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(CccdError::Shape)
    }
}

/// True when the century/sex digit and the year digits agree with a birth date (`YYYY-MM-DD`) and sex.
pub fn matches_birth(cccd: &str, birth_date: &str, sex: &str) -> bool {
    let (Some(digit), Some(yy), Some(year)) =
        (cccd.get(3..4).and_then(|d| d.parse::<u32>().ok()), cccd.get(4..6), birth_date.get(..4).and_then(|y| y.parse::<u32>().ok()))
    else {
        return false;
    };
    let century_index = match year / 100 {
        19 => 0,
        20 => 1,
        21 => 2,
        22 => 3,
        23 => 4,
        _ => return false,
    };
    let female = match sex {
        "male" => 0,
        "female" => 1,
        _ => return digit / 2 == century_index && yy == format!("{:02}", year % 100),
    };
    digit == century_index * 2 + female && yy == format!("{:02}", year % 100)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("001090012345", true)]
    #[case(" 001 090 012345 ", true)]
    #[case("00109001234", false)]
    #[case("0010900123456", false)]
    #[case("00109001234a", false)]
    #[case("", false)]
    fn shape(#[case] input: &str, #[case] ok: bool) {
        assert_eq!(parse(input).is_ok(), ok, "{input:?}");
    }

    #[rstest]
    #[case("001090012345", "1990-05-01", "male", true)]
    #[case("001190012345", "1990-05-01", "female", true)]
    #[case("079225012345", "2025-01-01", "male", true)]
    #[case("079325012345", "2025-01-01", "female", true)]
    #[case("079225012345", "2025-01-01", "female", false)]
    #[case("001090012345", "1991-05-01", "male", false)]
    #[case("001290012345", "1990-05-01", "male", false)]
    fn century_and_sex_digit(#[case] cccd: &str, #[case] birth: &str, #[case] sex: &str, #[case] ok: bool) {
        assert_eq!(matches_birth(cccd, birth, sex), ok);
    }
}
