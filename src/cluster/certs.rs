//! The TLS certificates of a cluster (`verbatim cluster certs DIR`): a certificate authority
//! the matter's owner keeps, and one certificate for the scheduler, the workers and the
//! coordinator, signed by it, for the hosts named. Dask's TLS checks every connection
//! against the authority on both sides, so only holders of the files join or connect.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::Datelike;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// What was written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Written {
    pub dir: String,
    pub hosts: Vec<String>,
    pub valid_until: String,
}

/// How long the certificates are valid, in years.
const YEARS: i32 = 2;

/// Writes `ca.pem`, `ca-key.pem`, `node.pem` and `node-key.pem` into `dir` (created
/// owner-only; the keys are readable by their owner alone). The node certificate names
/// `localhost`, 127.0.0.1 and every host in `hosts` (names or IP addresses). Refuses to
/// replace a certificate authority already there.
pub fn write(dir: &Path, hosts: &[String]) -> Result<Written> {
    crate::fsutil::create_private_dir(dir)?;
    if dir.join("ca.pem").exists() {
        anyhow::bail!(
            "{} already holds a certificate authority; a cluster's members all need the same one (remove the directory to start over)",
            dir.display()
        );
    }
    // From yesterday, so that a member whose clock is a little behind accepts it.
    let from = chrono::Utc::now() - chrono::Duration::days(1);
    let (y, m, d) = (from.year(), from.month() as u8, from.day().min(28) as u8);
    let not_before = rcgen::date_time_ymd(y, m, d);
    let not_after = rcgen::date_time_ymd(y + YEARS, m, d);

    let ca_key = KeyPair::generate().context("cannot make a key")?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name
        .push(DnType::CommonName, "verbatim cluster authority");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = not_before;
    ca.not_after = not_after;
    let ca_cert = ca
        .self_signed(&ca_key)
        .context("cannot sign the authority")?;
    let issuer = Issuer::new(ca, &ca_key);

    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    for h in hosts {
        if !names.contains(h) {
            names.push(h.clone());
        }
    }
    let node_key = KeyPair::generate().context("cannot make a key")?;
    let mut node = CertificateParams::new(names.clone())
        .context("a host name is not valid in a certificate")?;
    node.distinguished_name
        .push(DnType::CommonName, "verbatim cluster member");
    node.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    node.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    node.not_before = not_before;
    node.not_after = not_after;
    let node_cert = node
        .signed_by(&node_key, &issuer)
        .context("cannot sign the node certificate")?;

    for (name, text) in [
        ("ca-key.pem", ca_key.serialize_pem()),
        ("node-key.pem", node_key.serialize_pem()),
        ("ca.pem", ca_cert.pem()),
        ("node.pem", node_cert.pem()),
    ] {
        let path = dir.join(name);
        crate::fsutil::write_atomic(&path, text.as_bytes())?;
        crate::fsutil::set_mode(&path, 0o600)?;
    }
    Ok(Written {
        dir: dir.display().to_string(),
        hosts: names,
        valid_until: format!("{:04}-{:02}-{:02}", y + YEARS, m, d),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_are_private_and_an_authority_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("certs");
        let w = write(&dir, &["10.1.2.3".into(), "review-2.lan".into()]).unwrap();
        assert!(w.hosts.contains(&"review-2.lan".to_string()));
        for f in ["ca.pem", "ca-key.pem", "node.pem", "node-key.pem"] {
            let p = dir.join(f);
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(text.starts_with("-----BEGIN"), "{f}");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{f}");
            }
        }
        let ca = std::fs::read(dir.join("ca.pem")).unwrap();
        let e = write(&dir, &[]).unwrap_err();
        assert!(e.to_string().contains("already holds"), "{e}");
        assert_eq!(std::fs::read(dir.join("ca.pem")).unwrap(), ca);
    }
}
