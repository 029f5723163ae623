//! The STIX 2 patterning language: a tokenizer and a recursive-descent
//! parser.
//!
//! A pattern is observation expressions (`[ … ]`) joined by `OR`, `AND`
//! and `FOLLOWEDBY`, each optionally qualified (`WITHIN`, `REPEATS`,
//! `START … STOP`). Inside the brackets, comparisons `object-path op
//! literal` are joined by `AND`/`OR`, grouped by parentheses and negated
//! by `NOT`. The parser keeps every operator, so a caller decides which
//! ones it can sweep for.

use std::fmt;

/// A pattern that does not follow the grammar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based character position where the problem was found.
    pub column: usize,
    /// What was expected there.
    pub expected: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {} at column {}", self.expected, self.column)
    }
}

/// A literal on the right of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A quoted string, escapes undone.
    Str(String),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A `t'…'` timestamp, as written.
    Timestamp(String),
    /// An `h'…'` hex string, as written.
    Hex(String),
    /// A `b'…'` base64 string, as written.
    Binary(String),
    /// A parenthesised list, the right side of `IN`.
    List(Vec<Literal>),
}

/// An object path: `file:hashes.'SHA-256'` is object `file` with steps
/// `hashes` and `SHA-256`; list indexes appear as `[*]` or `[0]` steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// The cyber-observable type, lower-case as written.
    pub object: String,
    /// The property steps, quotes removed.
    pub steps: Vec<String>,
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.object)?;
        for (i, step) in self.steps.iter().enumerate() {
            // A list index follows its list without a dot.
            if i > 0 && !step.starts_with('[') {
                f.write_str(".")?;
            }
            f.write_str(step)?;
        }
        Ok(())
    }
}

/// One `path op literal` comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The left side.
    pub path: Path,
    /// Whether `NOT` preceded the operator.
    pub negated: bool,
    /// The operator, upper-case (`=`, `!=`, `LIKE`, `IN`, ...).
    pub op: String,
    /// The right side.
    pub literal: Literal,
}

/// Comparisons joined inside one observation.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// Every part must hold.
    And(Vec<Expr>),
    /// Any part may hold.
    Or(Vec<Expr>),
    /// One comparison.
    Test(Comparison),
}

/// Observations joined into a pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Observation {
    /// One `[ … ]` with the qualifiers written after it.
    One(Expr, Vec<String>),
    /// Observations joined by `AND`, `OR` or `FOLLOWEDBY`, and the
    /// qualifiers written after a parenthesised group.
    Join(String, Vec<Observation>, Vec<String>),
}

/// A token and the character position it starts at.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Punct(char),
    Op(String),
    Word(String),
    Path(Path),
    Lit(Literal),
    End,
}

/// Parses a whole pattern.
///
/// # Errors
///
/// Returns what was expected where the pattern stops following the
/// grammar.
pub fn parse(pattern: &str) -> Result<Observation, SyntaxError> {
    let toks = tokenize(pattern)?;
    check_nesting(&toks)?;
    let mut p = Parser { toks, at: 0 };
    let obs = p.observations()?;
    match p.peek() {
        Tok::End => Ok(obs),
        _ => Err(p.expected("AND, OR, FOLLOWEDBY or the end of the pattern")),
    }
}

/// The deepest nesting of brackets and parentheses a pattern may have.
/// The parser descends once per level; without a bound, a feed's
/// pattern of a few hundred thousand `(` would overflow the stack.
const MAX_NESTING: usize = 100;

/// Refuses patterns nested deeper than [`MAX_NESTING`].
fn check_nesting(toks: &[(Tok, usize)]) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    for (tok, column) in toks {
        match tok {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_NESTING {
            return Err(SyntaxError {
                column: *column,
                expected: format!(
                    "at most {MAX_NESTING} nested brackets and parentheses"
                ),
            });
        }
    }
    Ok(())
}

fn tokenize(s: &str) -> Result<Vec<(Tok, usize)>, SyntaxError> {
    let chars: Vec<char> = s.chars().collect();
    let mut lx = Lexer { chars, at: 0 };
    let mut out = Vec::new();
    loop {
        while lx.peek().is_some_and(char::is_whitespace) {
            lx.at += 1;
        }
        let start = lx.at;
        let tok = lx.token()?;
        let end = tok == Tok::End;
        out.push((tok, start + 1));
        if end {
            return Ok(out);
        }
    }
}

struct Lexer {
    chars: Vec<char>,
    at: usize,
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek2(&self) -> Option<char> {
        self.chars.get(self.at + 1).copied()
    }

    fn error(&self, expected: &str) -> SyntaxError {
        SyntaxError { column: self.at + 1, expected: expected.into() }
    }

    fn token(&mut self) -> Result<Tok, SyntaxError> {
        let Some(c) = self.peek() else { return Ok(Tok::End) };
        match c {
            '[' | ']' | '(' | ')' | ',' => {
                self.at += 1;
                Ok(Tok::Punct(c))
            }
            '=' | '!' | '<' | '>' => self.operator(),
            '\'' => self.quoted().map(|s| Tok::Lit(Literal::Str(s))),
            '-' | '0'..='9' => self.number(),
            c if c.is_ascii_alphabetic() || c == '_' => self.word(),
            _ => Err(self.error("a comparison, bracket or literal")),
        }
    }

    fn operator(&mut self) -> Result<Tok, SyntaxError> {
        let two: String =
            [self.peek(), self.peek2()].iter().flatten().collect();
        for op in ["!=", "<=", ">=", "=", "<", ">"] {
            if two.starts_with(op) {
                self.at += op.len();
                return Ok(Tok::Op(op.into()));
            }
        }
        Err(self.error("an operator"))
    }

    /// Reads `'…'`, undoing `\'` and `\\`.
    fn quoted(&mut self) -> Result<String, SyntaxError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error("a closing quote")),
                Some('\'') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some('\\') => match self.peek2() {
                    Some(c @ ('\'' | '\\')) => {
                        out.push(c);
                        self.at += 2;
                    }
                    _ => return Err(self.error("\\' or \\\\ after \\")),
                },
                Some(c) => {
                    out.push(c);
                    self.at += 1;
                }
            }
        }
    }

    fn number(&mut self) -> Result<Tok, SyntaxError> {
        let start = self.at;
        if self.peek() == Some('-') {
            self.at += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
            self.at += 1;
        }
        let text: String = self.chars[start..self.at].iter().collect();
        if let Ok(n) = text.parse::<i64>() {
            return Ok(Tok::Lit(Literal::Int(n)));
        }
        match text.parse::<f64>() {
            Ok(f) => Ok(Tok::Lit(Literal::Float(f))),
            Err(_) => {
                self.at = start;
                Err(self.error("a number"))
            }
        }
    }

    fn ident(&mut self) -> String {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    fn word(&mut self) -> Result<Tok, SyntaxError> {
        let prefixed = self.peek2() == Some('\'');
        if prefixed && matches!(self.peek(), Some('t' | 'h' | 'b')) {
            let kind = self.peek();
            self.at += 1;
            let s = self.quoted()?;
            return Ok(Tok::Lit(match kind {
                Some('t') => Literal::Timestamp(s),
                Some('h') => Literal::Hex(s),
                _ => Literal::Binary(s),
            }));
        }
        let word = self.ident();
        if self.peek() == Some(':') {
            self.at += 1;
            return self.path(word);
        }
        Ok(match word.as_str() {
            "true" => Tok::Lit(Literal::Bool(true)),
            "false" => Tok::Lit(Literal::Bool(false)),
            _ => Tok::Word(word),
        })
    }

    /// Reads the property steps after `object:`.
    fn path(&mut self, object: String) -> Result<Tok, SyntaxError> {
        let mut steps = Vec::new();
        loop {
            let step = match self.peek() {
                Some('\'') => self.quoted()?,
                Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                    self.ident()
                }
                _ => return Err(self.error("a property name")),
            };
            steps.push(step);
            while self.peek() == Some('[') {
                let start = self.at;
                while self.peek().is_some_and(|c| c != ']') {
                    self.at += 1;
                }
                if self.peek().is_none() {
                    self.at = start;
                    return Err(self.error("a list index such as [*]"));
                }
                self.at += 1;
                steps.push(self.chars[start..self.at].iter().collect());
            }
            if self.peek() != Some('.') {
                return Ok(Tok::Path(Path { object, steps }));
            }
            self.at += 1;
        }
    }
}

/// Operators written as words.
const WORD_OPS: &[&str] =
    &["IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS"];

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.at].0
    }

    fn next(&mut self) -> Tok {
        let t = self.toks[self.at].0.clone();
        if t != Tok::End {
            self.at += 1;
        }
        t
    }

    fn expected(&self, what: &str) -> SyntaxError {
        SyntaxError { column: self.toks[self.at].1, expected: what.into() }
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x.eq_ignore_ascii_case(w))
    }

    fn punct(&mut self, c: char) -> Result<(), SyntaxError> {
        if *self.peek() == Tok::Punct(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.expected(&format!("'{c}'")))
        }
    }

    /// Parses observations joined by `FOLLOWEDBY` (lowest), `OR`, `AND`,
    /// as the STIX 2.1 grammar nests them: `[a] FOLLOWEDBY [b] OR [c]`
    /// is `[a]` followed by one of `[b]`, `[c]`.
    fn observations(&mut self) -> Result<Observation, SyntaxError> {
        self.obs_level(0)
    }

    fn obs_level(&mut self, level: usize) -> Result<Observation, SyntaxError> {
        const JOINS: [&str; 3] = ["FOLLOWEDBY", "OR", "AND"];
        if level == JOINS.len() {
            return self.qualified();
        }
        let mut parts = vec![self.obs_level(level + 1)?];
        while self.is_word(JOINS[level]) {
            self.next();
            parts.push(self.obs_level(level + 1)?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Observation::Join(JOINS[level].into(), parts, Vec::new())
        })
    }

    /// Parses `[ … ]` or `( … )` and any qualifiers after it.
    fn qualified(&mut self) -> Result<Observation, SyntaxError> {
        let mut obs = if *self.peek() == Tok::Punct('(') {
            self.next();
            let o = self.observations()?;
            self.punct(')')?;
            o
        } else {
            self.punct('[')?;
            let e = self.or_expr()?;
            self.punct(']')?;
            Observation::One(e, Vec::new())
        };
        while let Some(q) = self.qualifier()? {
            match &mut obs {
                Observation::One(_, qs) | Observation::Join(_, _, qs) => {
                    qs.push(q)
                }
            }
        }
        Ok(obs)
    }

    /// Parses one qualifier and returns its keyword.
    fn qualifier(&mut self) -> Result<Option<String>, SyntaxError> {
        let (word, shape): (&str, &[&str]) = if self.is_word("WITHIN") {
            ("WITHIN", &["num", "SECONDS"])
        } else if self.is_word("REPEATS") {
            ("REPEATS", &["num", "TIMES"])
        } else if self.is_word("START") {
            ("START", &["ts", "STOP", "ts"])
        } else {
            return Ok(None);
        };
        self.next();
        for want in shape {
            let ok = match (*want, self.next()) {
                ("num", Tok::Lit(Literal::Int(_) | Literal::Float(_))) => true,
                ("ts", Tok::Lit(Literal::Timestamp(_))) => true,
                (w, Tok::Word(x)) => x.eq_ignore_ascii_case(w),
                _ => false,
            };
            if !ok {
                self.at -= 1;
                let what = match *want {
                    "num" => "a number",
                    "ts" => "a t'…' timestamp",
                    w => w,
                };
                return Err(self.expected(what));
            }
        }
        Ok(Some(word.into()))
    }

    fn or_expr(&mut self) -> Result<Expr, SyntaxError> {
        let mut parts = vec![self.and_expr()?];
        while self.is_word("OR") {
            self.next();
            parts.push(self.and_expr()?);
        }
        Ok(join(parts, Expr::Or))
    }

    fn and_expr(&mut self) -> Result<Expr, SyntaxError> {
        let mut parts = vec![self.comparison()?];
        while self.is_word("AND") {
            self.next();
            parts.push(self.comparison()?);
        }
        Ok(join(parts, Expr::And))
    }

    fn comparison(&mut self) -> Result<Expr, SyntaxError> {
        if *self.peek() == Tok::Punct('(') {
            self.next();
            let e = self.or_expr()?;
            self.punct(')')?;
            return Ok(e);
        }
        let mut negated = self.is_word("NOT");
        if negated {
            self.next();
        }
        let Tok::Path(path) = self.next() else {
            self.at = self.at.saturating_sub(1);
            return Err(self.expected("an object path such as file:name"));
        };
        if self.is_word("NOT") {
            self.next();
            negated = !negated;
        }
        let op = match self.next() {
            Tok::Op(op) => op,
            Tok::Word(w)
                if WORD_OPS.iter().any(|o| o.eq_ignore_ascii_case(&w)) =>
            {
                w.to_ascii_uppercase()
            }
            _ => {
                self.at -= 1;
                return Err(self.expected("a comparison operator"));
            }
        };
        let literal = if op == "IN" { self.list()? } else { self.literal()? };
        Ok(Expr::Test(Comparison { path, negated, op, literal }))
    }

    fn literal(&mut self) -> Result<Literal, SyntaxError> {
        match self.next() {
            Tok::Lit(l) => Ok(l),
            _ => {
                self.at -= 1;
                Err(self.expected("a literal"))
            }
        }
    }

    /// Parses `( literal, … )`.
    fn list(&mut self) -> Result<Literal, SyntaxError> {
        self.punct('(')?;
        let mut items = vec![self.literal()?];
        while *self.peek() == Tok::Punct(',') {
            self.next();
            items.push(self.literal()?);
        }
        self.punct(')')?;
        Ok(Literal::List(items))
    }
}

fn join(mut parts: Vec<Expr>, make: fn(Vec<Expr>) -> Expr) -> Expr {
    if parts.len() == 1 { parts.pop().expect("one part") } else { make(parts) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(path: &str, op: &str, lit: Literal) -> Expr {
        let (object, steps) = path.split_once(':').unwrap();
        let steps = steps.split('.').map(String::from).collect();
        Expr::Test(Comparison {
            path: Path { object: object.into(), steps },
            negated: false,
            op: op.into(),
            literal: lit,
        })
    }

    fn s(v: &str) -> Literal {
        Literal::Str(v.into())
    }

    #[test]
    fn parses_and_over_a_parenthesised_or() {
        let got = parse(
            "[(file:hashes.'SHA-256' = 'x' OR file:hashes.MD5 = 'y') \
             AND file:name = 'z.exe']",
        )
        .unwrap();
        let want = Expr::And(vec![
            Expr::Or(vec![
                test("file:hashes.SHA-256", "=", s("x")),
                test("file:hashes.MD5", "=", s("y")),
            ]),
            test("file:name", "=", s("z.exe")),
        ]);
        assert_eq!(got, Observation::One(want, vec![]));
    }

    #[test]
    fn parses_every_operator_and_literal() {
        let got = parse(
            "[a:b IN ('x', 2, 1.5, true) OR a:c NOT LIKE 'it\\'s\\\\' \
             OR a:d > t'2024-01-01T00:00:00Z' OR a:e = h'ff' \
             OR a:f MATCHES b'AA==' OR a:g != -3]",
        )
        .unwrap();
        let Observation::One(Expr::Or(parts), _) = got else { panic!() };
        let ops: Vec<_> = parts
            .iter()
            .map(|p| match p {
                Expr::Test(c) => (c.op.as_str(), c.negated),
                _ => panic!(),
            })
            .collect();
        assert_eq!(
            ops,
            [
                ("IN", false),
                ("LIKE", true),
                (">", false),
                ("=", false),
                ("MATCHES", false),
                ("!=", false),
            ]
        );
        let Expr::Test(c) = &parts[1] else { panic!() };
        assert_eq!(c.literal, s("it's\\"));
        let Expr::Test(c) = &parts[0] else { panic!() };
        assert_eq!(
            c.literal,
            Literal::List(vec![
                s("x"),
                Literal::Int(2),
                Literal::Float(1.5),
                Literal::Bool(true)
            ])
        );
    }

    #[test]
    fn paths_print_as_written() {
        let got = parse(
            "[domain-name:resolves_to_refs[*].value = 'x' \
             OR file:hashes.'SHA-256' = 'y' OR a:b[0] = 'z']",
        )
        .unwrap();
        let Observation::One(Expr::Or(parts), _) = got else { panic!() };
        let paths: Vec<String> = parts
            .iter()
            .map(|p| match p {
                Expr::Test(c) => c.path.to_string(),
                e => panic!("{e:?}"),
            })
            .collect();
        assert_eq!(
            paths,
            [
                "domain-name:resolves_to_refs[*].value",
                "file:hashes.SHA-256",
                "a:b[0]",
            ]
        );
    }

    #[test]
    fn parses_joins_and_qualifiers() {
        let got = parse(
            "([a:b = 'x'] FOLLOWEDBY [a:c = 'y']) WITHIN 300 SECONDS \
             OR [a:d = 'z'] REPEATS 2 TIMES \
             START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'",
        )
        .unwrap();
        let Observation::Join(op, parts, _) = got else { panic!() };
        assert_eq!(op, "OR");
        assert!(matches!(
            &parts[0],
            Observation::Join(j, _, q) if j == "FOLLOWEDBY" && q == &["WITHIN"]
        ));
        assert!(matches!(
            &parts[1],
            Observation::One(_, q) if q == &["REPEATS", "START"]
        ));
    }

    #[test]
    fn and_binds_tighter_than_or_and_or_than_followedby() {
        // The STIX 2.1 grammar: observationExpressions FOLLOWEDBY …,
        // then observationExpressionOr, then observationExpressionAnd.
        let shape = |o: &Observation| -> String {
            fn go(o: &Observation, out: &mut String) {
                match o {
                    Observation::One(..) => out.push('x'),
                    Observation::Join(op, parts, _) => {
                        out.push_str(&format!("{op}("));
                        for (i, p) in parts.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            go(p, out);
                        }
                        out.push(')');
                    }
                }
            }
            let mut out = String::new();
            go(o, &mut out);
            out
        };
        let got = |p: &str| shape(&parse(p).unwrap());
        assert_eq!(
            got("[a:b = '1'] FOLLOWEDBY [a:b = '2'] OR [a:b = '3']"),
            "FOLLOWEDBY(x,OR(x,x))"
        );
        assert_eq!(
            got("[a:b = '1'] OR [a:b = '2'] FOLLOWEDBY [a:b = '3']"),
            "FOLLOWEDBY(OR(x,x),x)"
        );
        assert_eq!(
            got("[a:b = '1'] AND [a:b = '2'] OR [a:b = '3']"),
            "OR(AND(x,x),x)"
        );
        assert_eq!(
            got("[a:b = '1'] OR [a:b = '2'] AND [a:b = '3']"),
            "OR(x,AND(x,x))"
        );
        assert_eq!(
            got("[a:b = '1'] AND [a:b = '2'] FOLLOWEDBY [a:b = '3']"),
            "FOLLOWEDBY(AND(x,x),x)"
        );
        // Near miss: parentheses still group.
        assert_eq!(
            got("([a:b = '1'] FOLLOWEDBY [a:b = '2']) OR [a:b = '3']"),
            "OR(FOLLOWEDBY(x,x),x)"
        );
    }

    #[test]
    fn syntax_errors_say_what_and_where() {
        let err = |p: &str| parse(p).unwrap_err().to_string();
        assert_eq!(err("[file:name = 'x'"), "expected ']' at column 17");
        assert_eq!(
            err("[file:name 'x']"),
            "expected a comparison operator at column 12"
        );
        assert_eq!(
            err("[file:name = 'x]"),
            "expected a closing quote at column 17"
        );
        assert_eq!(err("file:name = 'x'"), "expected '[' at column 1");
        assert_eq!(
            err("[a:b = 'x'] [a:c = 'y']"),
            "expected AND, OR, FOLLOWEDBY or the end of the pattern at column 13"
        );
        assert_eq!(err("[a:b IN 'x']"), "expected '(' at column 9");
        assert_eq!(
            err("[a:b = 'x'] WITHIN SECONDS"),
            "expected a number at column 20"
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_it_can_overflow_the_stack() {
        let deep = "(".repeat(300_000) + "[a:b = 'x']" + &")".repeat(300_000);
        assert_eq!(
            parse(&deep).unwrap_err().to_string(),
            "expected at most 100 nested brackets and parentheses at column 101"
        );
        let ok = "(".repeat(99) + "[a:b = 'x']" + &")".repeat(99);
        assert!(parse(&ok).is_ok());
    }
}
