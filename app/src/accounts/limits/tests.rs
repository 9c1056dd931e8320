use super::*;

const MIN: Duration = Duration::from_secs(60);

fn limited(r: Result<(), AppError>) -> Option<u64> {
    match r {
        Err(AppError::RateLimited { retry_after_secs }) => Some(retry_after_secs),
        Ok(()) => None,
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn taking_counts_at_once_and_refuses_after_max() {
    let l = RateLimiter::new(3, MIN);
    for _ in 0..3 {
        assert_eq!(limited(l.take("a")), None);
    }
    let retry = limited(l.take("a")).expect("limited");
    assert!((60..=120).contains(&retry), "{retry}");
    assert_eq!(limited(l.take("b")), None, "another key is not limited");
    l.release("a");
    assert_eq!(
        limited(l.take("a")),
        None,
        "a released attempt is given back"
    );
    assert!(limited(l.take("a")).is_some());
    l.clear("a");
    assert_eq!(limited(l.take("a")), None);
}

#[test]
fn concurrent_takes_never_pass_more_than_max() {
    let l = std::sync::Arc::new(RateLimiter::new(5, MIN));
    let passed = std::sync::atomic::AtomicU32::new(0);
    std::thread::scope(|s| {
        for _ in 0..40 {
            s.spawn(|| {
                if l.take("anna@example.com").is_ok() {
                    passed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(passed.into_inner(), 5);
}

#[test]
fn an_attempt_is_remembered_for_one_to_two_windows() {
    let l = RateLimiter::new(1, MIN);
    let t0 = Instant::now();
    assert!(l.take_at("a", t0).is_ok());
    assert!(l.take_at("a", t0 + Duration::from_secs(59)).is_err());
    // The next generation still remembers the previous one's attempts…
    assert!(l.take_at("a", t0 + Duration::from_secs(61)).is_err());
    // …but not the one before.
    assert!(l.take_at("a", t0 + Duration::from_secs(121)).is_ok());
    assert!(l.take_at("a", t0 + Duration::from_secs(122)).is_err());
    assert!(
        l.take_at("a", t0 + Duration::from_secs(400)).is_ok(),
        "idle for two windows: all forgotten"
    );
}

#[test]
fn memory_is_bounded_by_the_capacity_and_long_keys_are_cut() {
    let l = RateLimiter::with_capacity(2, MIN, 100);
    for i in 0..10_000 {
        l.take(&format!("key{i}")).expect("new key");
        assert!(l.len() <= 200, "{} keys at {i}", l.len());
    }
    let long = "x".repeat(10_000);
    let mut longer = long.clone();
    longer.push('y');
    l.take(&long).expect("first");
    l.take(&longer).expect("second: the same key once cut");
    assert!(l.take(&long).is_err(), "cut to the same key");
    // A cut never splits a character.
    let wide = "é".repeat(1_000);
    assert!(cut(&wide).len() <= MAX_KEY_BYTES);
    assert!(cut(&wide).chars().all(|c| c == 'é'));
}

#[test]
fn a_strangers_failures_lock_out_only_their_own_address() {
    let limits = Limits::new(5, 1_000, 10);
    for _ in 0..5 {
        limits
            .take_sign_in("anna@example.com", "203.0.113.9")
            .expect("taken");
    }
    assert!(
        limits
            .take_sign_in("anna@example.com", "203.0.113.9")
            .is_err()
    );
    limits
        .take_sign_in("anna@example.com", "198.51.100.1")
        .expect("the owner elsewhere is let in");
    limits.signed_in("anna@example.com", "198.51.100.1");
    // From many addresses the account-wide limit (10× as many) holds.
    let mut passed = 0;
    for i in 0..100 {
        if limits
            .take_sign_in("anna@example.com", &format!("192.0.2.{i}"))
            .is_ok()
        {
            passed += 1;
        }
    }
    assert_eq!(passed, 50 - 5, "the account's 50 include the stranger's 5");
    assert!(
        limits.take_sign_in("ola@example.com", "192.0.2.1").is_ok(),
        "another account is not limited"
    );
}

#[test]
fn a_refused_sign_in_takes_nothing_from_the_other_limits() {
    let limits = Limits::new(1, 3, 10);
    limits.take_sign_in("a@example.com", "ip").expect("first");
    for _ in 0..5 {
        assert!(limits.take_sign_in("a@example.com", "ip").is_err());
    }
    // The address's own limit still has 2 left for other accounts.
    limits.take_sign_in("b@example.com", "ip").expect("second");
    limits.take_sign_in("c@example.com", "ip").expect("third");
    assert!(limits.take_sign_in("d@example.com", "ip").is_err());
}
