//! Users from the command line: `user add`.

use crate::database::open;
use crate::output::Out;
use anyhow::Result;
use clap::Subcommand;
use domain::users::{Role, Username, check_new_password};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;
use store::users::NewUser;
use store::{AuditActor, Store};

#[derive(Subcommand)]
pub enum Command {
    /// Quản lý người dùng (users)
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Thêm người dùng; mật khẩu đọc từ stdin hoặc được tạo và in ra một lần (add a user; password from stdin or generated and printed once)
    Add {
        #[arg(long)]
        username: String,
        /// admin, so_gddt, ban_dieu_phoi, phong_gddt, truong, so_tttt, so_tai_chinh, mttq, ubnd_tinh
        #[arg(long)]
        role: String,
        /// Mã đơn vị (unit code)
        #[arg(long)]
        unit: String,
        /// Họ và tên (full name); mặc định là tên đăng nhập
        #[arg(long)]
        full_name: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cmd: Command, db: &str, out: &Out) -> Result<ExitCode> {
    let Command::User(UserCommand::Add {
        username,
        role,
        unit,
        full_name,
        json,
    }) = cmd;
    let store = open(db, 2).await?;
    user_add(&store, out, username, role, unit, full_name, json).await
}

async fn user_add(
    store: &Store,
    out: &Out,
    username: String,
    role: String,
    unit: String,
    full_name: Option<String>,
    json: bool,
) -> Result<ExitCode> {
    let username = Username::parse(&username)?;
    let role = Role::parse(&role)?;
    let stdin = std::io::stdin();
    let (password, generated) = if stdin.is_terminal() {
        (store::passwords::generate_password(), true)
    } else {
        let mut s = String::new();
        stdin.lock().take(4096).read_to_string(&mut s)?;
        let p = s.lines().next().unwrap_or("").to_string();
        if p.is_empty() {
            (store::passwords::generate_password(), true)
        } else {
            check_new_password(&p, username.as_str())?;
            (p, false)
        }
    };
    let hash = store::passwords::hash_password(&password).await?;
    let user = store
        .create_user(
            &AuditActor::system("cli"),
            None,
            NewUser {
                full_name: full_name.unwrap_or_else(|| username.to_string()),
                username,
                role,
                unit_code: unit,
                password_hash: hash,
                must_change_password: generated,
            },
        )
        .await?;
    if json {
        let v = serde_json::json!({
            "id": user.id, "username": user.username, "role": user.role, "unit": user.unit_code,
            "generated_password": generated.then_some(&password),
        });
        println!("{v}");
    } else {
        out.info(
            &format!(
                "Đã tạo người dùng {} ({}) thuộc {} – {}.",
                user.username,
                user.role.code(),
                user.unit_code,
                user.unit_name
            ),
            &format!(
                "Created user {} ({}) in {} – {}.",
                user.username,
                user.role.code(),
                user.unit_code,
                user.unit_name
            ),
        );
        if generated {
            out.info(
                "Mật khẩu tạm thời (chỉ hiện một lần; phải đổi khi đăng nhập lần đầu):",
                "Temporary password (shown once; must be changed at first login):",
            );
            println!("{password}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
