//! "May this user do this here?": the one place permissions are decided.
//!
//! Two questions, always in this order: does the role allow the action at all
//! (otherwise `Forbidden`), and is the target inside the user's scope (otherwise
//! `OutOfScope`, which callers show as "not found" so that nothing leaks).

use crate::units::UnitPath;
use crate::users::Role;
use serde::{Deserialize, Serialize};

/// Everything a route or a command can ask permission for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(strum::EnumIter))]
pub enum Action {
    /// See one's dashboard: counts for one's scope.
    ViewDashboard,
    /// List and search units and schools in one's scope.
    BrowseUnits,
    /// See one unit or school.
    ViewUnit,
    /// Create, edit and import units and schools.
    ManageUnits,
    /// List users and see their accounts.
    ViewUsers,
    /// Create users, change their role or unit, reset passwords, disable accounts.
    ManageUsers,
    /// Read the audit trail and verify its chain.
    ViewAudit,
    /// See counts of students by tier and unit (no personal data).
    ViewStudentCounts,
    /// See students' personal data on the lists of one's scope.
    ViewStudents,
    /// Import, add and edit students on lists of one's scope.
    EditStudents,
    /// Act on lists: submit, approve, return, reopen (the domain says which role does what).
    ActOnLists,
    /// The Board's approval of every list the offices approved.
    ApproveAggregate,
    /// Review possible duplicates and resolve flags.
    ReviewDuplicates,
    /// See the poor / near-poor household registers.
    ViewHouseholds,
    /// Import the registers and check claims against them.
    ManageHouseholds,
    /// See the device registry: models, their check against the spec profiles, counts.
    ViewDevices,
    /// Enter and edit the spec profiles (the appraising department).
    EditSpecProfiles,
    /// Receive devices: donors, receipts in kind and their documents, serial intake,
    /// putting appraised batches in stock (the Board).
    ReceiveDevices,
    /// Record appraisals of models and delivered batches (the appraising department).
    AppraiseDevices,
    /// See allocation runs: each unit's share and its arithmetic, the fairness check (no
    /// personal data).
    ViewAllocations,
    /// Draft, approve, execute or discard allocation runs (the Board).
    Allocate,
    /// See the handovers of one's scope and the devices one's unit holds, gave and misses;
    /// a student's name on their minutes only with `ViewStudents`.
    ViewHandovers,
    /// Hand devices down the chain and sign for what arrives: the Board, district offices,
    /// schools (each for what it holds or receives).
    HandDevices,
    /// Read the ledger: accounts, balances, the journal and commitments (no personal data).
    ViewLedger,
    /// Record cash gifts and pledges, mark them received, and the Front's transfers (the
    /// domain says which channel each role records).
    RecordMoney,
    /// Read procurement: packages, bids, contracts, deliveries, acceptances, invoices,
    /// payments and their documents (organisations only, no personal data).
    ViewProcurement,
    /// Record packages and their steps up to asking for a payment (the Sở and the Board).
    ManageProcurement,
    /// Approve or refuse payments to suppliers (the Department of Finance).
    ApprovePayments,
    /// Search the archive (lưu trữ hồ sơ): the papers issued or received, by type, number,
    /// date or SHA-256; district offices and schools see those of their scope.
    ViewArchive,
    /// See the signal side: schools' connections, dead zones, platforms, counts of data
    /// SIMs (no personal data).
    ViewSignal,
    /// Record a school's Internet connection (the school, its office, the Sở).
    EditConnectivity,
    /// Report a dead zone (vùng lõm sóng) where students cannot learn online.
    ReportDeadZones,
    /// Move dead zones on to the carriers and record their answers (Sở TT&TT).
    ManageDeadZones,
    /// Record the online-learning platforms and which are recommended (the Sở).
    ManagePlatforms,
    /// Record a student's data SIM and its package (the school, its office).
    ManageSims,
    /// See training sessions and repair tickets, and the defect rates.
    ViewAftercare,
    /// Record training sessions and their attendees.
    ManageTrainings,
    /// Open, move and close repair tickets (whoever holds the device's chain).
    ManageRepairs,
}

impl Action {
    pub const ALL: [Action; 38] = [
        Action::ViewDashboard,
        Action::BrowseUnits,
        Action::ViewUnit,
        Action::ManageUnits,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::ViewStudentCounts,
        Action::ViewStudents,
        Action::EditStudents,
        Action::ActOnLists,
        Action::ApproveAggregate,
        Action::ReviewDuplicates,
        Action::ViewHouseholds,
        Action::ManageHouseholds,
        Action::ViewDevices,
        Action::EditSpecProfiles,
        Action::ReceiveDevices,
        Action::AppraiseDevices,
        Action::ViewAllocations,
        Action::Allocate,
        Action::ViewHandovers,
        Action::HandDevices,
        Action::ViewLedger,
        Action::RecordMoney,
        Action::ViewProcurement,
        Action::ManageProcurement,
        Action::ApprovePayments,
        Action::ViewArchive,
        Action::ViewSignal,
        Action::EditConnectivity,
        Action::ReportDeadZones,
        Action::ManageDeadZones,
        Action::ManagePlatforms,
        Action::ManageSims,
        Action::ViewAftercare,
        Action::ManageTrainings,
        Action::ManageRepairs,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::ViewDashboard => "view_dashboard",
            Action::BrowseUnits => "browse_units",
            Action::ViewUnit => "view_unit",
            Action::ManageUnits => "manage_units",
            Action::ViewUsers => "view_users",
            Action::ManageUsers => "manage_users",
            Action::ViewAudit => "view_audit",
            Action::ViewStudentCounts => "view_student_counts",
            Action::ViewStudents => "view_students",
            Action::EditStudents => "edit_students",
            Action::ActOnLists => "act_on_lists",
            Action::ApproveAggregate => "approve_aggregate",
            Action::ReviewDuplicates => "review_duplicates",
            Action::ViewHouseholds => "view_households",
            Action::ViewDevices => "view_devices",
            Action::EditSpecProfiles => "edit_spec_profiles",
            Action::ReceiveDevices => "receive_devices",
            Action::AppraiseDevices => "appraise_devices",
            Action::ManageHouseholds => "manage_households",
            Action::ViewAllocations => "view_allocations",
            Action::Allocate => "allocate",
            Action::ViewHandovers => "view_handovers",
            Action::HandDevices => "hand_devices",
            Action::ViewLedger => "view_ledger",
            Action::RecordMoney => "record_money",
            Action::ViewProcurement => "view_procurement",
            Action::ManageProcurement => "manage_procurement",
            Action::ApprovePayments => "approve_payments",
            Action::ViewArchive => "view_archive",
            Action::ViewSignal => "view_signal",
            Action::EditConnectivity => "edit_connectivity",
            Action::ReportDeadZones => "report_dead_zones",
            Action::ManageDeadZones => "manage_dead_zones",
            Action::ManagePlatforms => "manage_platforms",
            Action::ManageSims => "manage_sims",
            Action::ViewAftercare => "view_aftercare",
            Action::ManageTrainings => "manage_trainings",
            Action::ManageRepairs => "manage_repairs",
        }
    }
}

const EVERYONE: &[Role] = &Role::ALL;

/// The permission table: which roles may take each action. Reviewed as data; the
/// route × role test in the web crate checks every route against it.
pub fn roles_for(action: Action) -> &'static [Role] {
    use Role::*;
    match action {
        Action::ViewDashboard | Action::BrowseUnits | Action::ViewUnit => EVERYONE,
        Action::ManageUnits => &[Admin, SoGddt],
        Action::ViewUsers | Action::ManageUsers | Action::ViewAudit => &[Admin],
        Action::ViewStudentCounts => EVERYONE,
        // Children's personal data: only the roles that run the lists. Administrators,
        // the other departments and the leadership see counts.
        Action::ViewStudents => &[SoGddt, BanDieuPhoi, PhongGddt, Truong],
        Action::EditStudents => &[SoGddt, PhongGddt, Truong],
        Action::ActOnLists => &[SoGddt, BanDieuPhoi, PhongGddt, Truong],
        Action::ApproveAggregate => &[BanDieuPhoi],
        Action::ReviewDuplicates => &[SoGddt, BanDieuPhoi, PhongGddt],
        Action::ViewHouseholds => &[SoGddt, BanDieuPhoi, PhongGddt],
        Action::ManageHouseholds => &[SoGddt, PhongGddt],
        // Devices carry no personal data; the province-level roles follow the registry.
        // District offices and schools see what they hold on the handover pages.
        Action::ViewDevices => &[
            Admin,
            SoGddt,
            BanDieuPhoi,
            SoTttt,
            SoTaiChinh,
            Mttq,
            UbndTinh,
        ],
        Action::EditSpecProfiles | Action::AppraiseDevices => &[SoTttt],
        Action::ReceiveDevices => &[BanDieuPhoi],
        // Shares and their arithmetic are public in spirit; the students behind them are
        // read on the students' pages, under those pages' rules.
        Action::ViewAllocations => &[
            Admin,
            SoGddt,
            BanDieuPhoi,
            PhongGddt,
            SoTaiChinh,
            Mttq,
            UbndTinh,
        ],
        Action::Allocate => &[BanDieuPhoi],
        Action::ViewHandovers => &[
            Admin,
            SoGddt,
            BanDieuPhoi,
            PhongGddt,
            Truong,
            SoTaiChinh,
            Mttq,
            UbndTinh,
        ],
        Action::HandDevices => &[BanDieuPhoi, PhongGddt, Truong],
        // Money is read by those who raise, spend, approve and oversee it.
        Action::ViewLedger => &[SoGddt, BanDieuPhoi, SoTaiChinh, Mttq, UbndTinh],
        Action::RecordMoney => &[SoGddt, BanDieuPhoi, Mttq],
        // Purchases are public in spirit (their OCDS data is published); the buyers record
        // them, Finance approves what is paid.
        Action::ViewProcurement => &[SoGddt, BanDieuPhoi, SoTaiChinh, Mttq, UbndTinh, SoTttt],
        Action::ManageProcurement => &[SoGddt, BanDieuPhoi],
        Action::ApprovePayments => &[SoTaiChinh],
        // Papers about organisations and devices, never a student's name; the offices
        // and schools see those of their scope (the store filters by it).
        Action::ViewArchive => &[
            SoGddt,
            BanDieuPhoi,
            PhongGddt,
            Truong,
            SoTttt,
            SoTaiChinh,
            Mttq,
            UbndTinh,
        ],
        // Connections, dead zones and platforms are about places and organisations.
        Action::ViewSignal | Action::ViewAftercare => EVERYONE,
        Action::EditConnectivity => &[SoGddt, PhongGddt, Truong],
        Action::ReportDeadZones => &[SoGddt, PhongGddt, Truong, SoTttt],
        Action::ManageDeadZones => &[SoTttt],
        Action::ManagePlatforms => &[SoGddt],
        Action::ManageSims => &[PhongGddt, Truong],
        Action::ManageTrainings => &[SoGddt, PhongGddt, Truong],
        Action::ManageRepairs => &[BanDieuPhoi, PhongGddt, Truong],
    }
}

pub fn permits(role: Role, action: Action) -> bool {
    roles_for(action).contains(&role)
}

/// Who is asking: a role and the root of the subtree they may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub role: Role,
    pub scope: UnitPath,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allow,
    Forbidden,
    OutOfScope,
}

/// The gate. `target` is the unit the request is about, when it is about one.
pub fn decide(who: &Principal, action: Action, target: Option<&UnitPath>) -> Decision {
    if !permits(who.role, action) {
        return Decision::Forbidden;
    }
    match target {
        Some(t) if !who.scope.contains(t) => Decision::OutOfScope,
        _ => Decision::Allow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(role: Role, scope: UnitPath) -> Principal {
        Principal { role, scope }
    }

    #[test]
    fn a_school_sees_itself_and_not_its_neighbour() {
        let province = UnitPath::root(1);
        let district = province.child(10);
        let school_a = district.child(100);
        let school_b = district.child(101);
        let who = p(Role::Truong, school_a.clone());
        assert_eq!(
            decide(&who, Action::ViewUnit, Some(&school_a)),
            Decision::Allow
        );
        assert_eq!(
            decide(&who, Action::ViewUnit, Some(&school_b)),
            Decision::OutOfScope
        );
        assert_eq!(
            decide(&who, Action::ViewUnit, Some(&district)),
            Decision::OutOfScope
        );
        assert_eq!(
            decide(&who, Action::ManageUsers, Some(&school_a)),
            Decision::Forbidden
        );
    }

    #[test]
    fn personal_data_stays_with_the_lists_roles() {
        for role in [
            Role::Admin,
            Role::SoTttt,
            Role::SoTaiChinh,
            Role::Mttq,
            Role::UbndTinh,
        ] {
            assert!(!permits(role, Action::ViewStudents), "{role}");
            assert!(permits(role, Action::ViewStudentCounts), "{role}");
        }
    }

    #[test]
    fn only_admins_manage_users() {
        for role in Role::ALL {
            assert_eq!(
                permits(role, Action::ManageUsers),
                role == Role::Admin,
                "{role}"
            );
        }
    }

    #[test]
    fn all_lists_every_action_and_role() {
        use strum::IntoEnumIterator;
        assert_eq!(Action::iter().collect::<Vec<_>>(), Action::ALL.to_vec());
        assert_eq!(Role::iter().collect::<Vec<_>>(), Role::ALL.to_vec());
    }

    proptest! {
        /// Permission never depends on the target, scope never grants a forbidden action.
        #[test]
        fn forbidden_is_forbidden_everywhere(
            role in proptest::sample::select(Role::ALL.to_vec()),
            action in proptest::sample::select(Action::ALL.to_vec()),
            a in 1i64..5,
            b in 1i64..5,
        ) {
            let who = p(role, UnitPath::root(1).child(a));
            let target = UnitPath::root(1).child(b);
            let d = decide(&who, action, Some(&target));
            if !permits(role, action) {
                prop_assert_eq!(d, Decision::Forbidden);
            } else {
                prop_assert_eq!(d == Decision::Allow, a == b);
            }
        }
    }
}
