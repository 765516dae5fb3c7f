//! Procurement from the command line: `export ocds`, the Open Contracting Data Standard
//! 1.1 release package of every tender package, as the web serves it.

use crate::database::open;
use crate::output::Out;
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum Export {
    /// Gói dữ liệu mở OCDS 1.1 của các gói thầu (the OCDS 1.1 release package)
    Ocds {
        /// Tệp JSON sẽ ghi (the JSON file to write)
        #[arg(long)]
        out: PathBuf,
        /// Tiền tố ocid do Tổ chức Đối tác Hợp đồng Mở cấp: ocds- và 6 ký tự (the registered ocid prefix)
        #[arg(long, env = "SONGMAYTINH_OCID_PREFIX", default_value = domain::procurement::ocds::DEFAULT_PREFIX)]
        ocid_prefix: String,
        /// Địa chỉ công khai của hệ thống (the public address the data is published at)
        #[arg(
            long,
            env = "SONGMAYTINH_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
    },
}

pub async fn export(cmd: Export, db: &str, out: &Out) -> Result<ExitCode> {
    match cmd {
        Export::Ocds {
            out: file,
            ocid_prefix,
            public_url,
        } => {
            if domain::procurement::ocds::check_prefix(&ocid_prefix).is_err() {
                out.error(
                    "Tiền tố ocid có dạng ocds- và sáu chữ cái thường hoặc chữ số.",
                    "An ocid prefix is ocds- and six lowercase letters or digits.",
                );
                return Ok(ExitCode::from(2));
            }
            let store = open(db, 2).await?;
            let v = store
                .ocds_release_package(&ocid_prefix, &public_url)
                .await?;
            let n = v["releases"].as_array().map(Vec::len).unwrap_or(0);
            let text = serde_json::to_string_pretty(&v)?;
            std::fs::write(&file, text.as_bytes())
                .with_context(|| format!("ghi {}", file.display()))?;
            out.info(
                &format!("Đã ghi {n} gói thầu vào {}.", file.display()),
                &format!("Wrote {n} packages to {}.", file.display()),
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
