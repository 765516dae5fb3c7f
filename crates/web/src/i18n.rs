//! Interface text in Vietnamese (first) and English. Each string is written once with
//! both languages side by side; templates read them as fields, checked at compile time.
//! The strings every page shares are here ([`Tr`]); each area keeps its own in its
//! `texts.rs` ([`texts!`]), whose struct reaches these through `Deref`, so that a page's
//! template reads `l.tr.any_key` whichever of the two holds it.

use domain::Lang;

macro_rules! strings {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// Every interface string, in one language.
        pub struct Tr {
            $(pub $key: &'static str,)*
        }
        pub static VI: Tr = Tr { $($key: $vi,)* };
        pub static EN: Tr = Tr { $($key: $en,)* };
    };
}

pub fn tr(lang: Lang) -> &'static Tr {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

/// A set of interface strings in one language: the shared ones, or an area's.
pub trait Texts: Sync + 'static {
    fn of(lang: Lang) -> &'static Self;
}

impl Texts for Tr {
    fn of(lang: Lang) -> &'static Self {
        tr(lang)
    }
}

/// An area's strings: `crate::i18n::texts! { key: "vi", "en"; … }` in `<area>/texts.rs`
/// makes its `Texts` (with the shared [`Tr`] behind `Deref`), `tr(lang)`, and `Layout`,
/// the shared page layout with these texts.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// This area's interface strings in one language; the shared ones through `Deref`.
        pub struct Texts {
            common: &'static $crate::i18n::Tr,
            $(pub $key: &'static str,)*
        }
        static VI: Texts = Texts { common: &$crate::i18n::VI, $($key: $vi,)* };
        static EN: Texts = Texts { common: &$crate::i18n::EN, $($key: $en,)* };
        pub fn tr(lang: domain::Lang) -> &'static Texts {
            match lang {
                domain::Lang::Vi => &VI,
                domain::Lang::En => &EN,
            }
        }
        impl std::ops::Deref for Texts {
            type Target = $crate::i18n::Tr;
            fn deref(&self) -> &$crate::i18n::Tr {
                self.common
            }
        }
        impl $crate::i18n::Texts for Texts {
            fn of(lang: domain::Lang) -> &'static Self {
                tr(lang)
            }
        }
        /// This area's pages: the shared layout with this area's texts.
        pub type Layout = $crate::views::Layout<Texts>;
    };
}
pub(crate) use texts;

strings! {
    app_name: "Sóng và máy tính cho em", "Signal and computers for children";
    app_owner: "Sở Giáo dục và Đào tạo", "Department of Education and Training";
    skip_to_content: "Bỏ qua, tới nội dung", "Skip to content";
    other_language: "English", "Tiếng Việt";
    other_language_code: "en", "vi";
    nav_main: "Điều hướng chính", "Main navigation";
    logout: "Đăng xuất", "Log out";
    footer_note: "Công khai, minh bạch, hiệu quả và đúng đối tượng.", "Public, transparent, efficient, reaching the right students.";
    public_log: "Nhật ký công khai", "Public log";
    public_portal: "Cổng công khai", "Public portal";

    communes: "Xã, phường, thị trấn", "Communes";
    schools: "Trường học", "Schools";
    last_hash: "Mã băm cuối", "Last hash";

    code: "Mã", "Code";
    name: "Tên", "Name";
    school_level: "Cấp học", "School level";
    managing_unit: "Đơn vị quản lý", "Managing unit";
    commune: "Xã, phường", "Commune";
    internet: "Internet", "Internet";
    search: "Tìm kiếm", "Search";
    search_units_hint: "Tên hoặc mã, gõ có dấu hay không dấu đều được", "Name or code, with or without accents";
    filter: "Lọc", "Filter";
    all: "Tất cả", "All";
    no_results: "Không có kết quả.", "Nothing found.";
    page: "Trang", "Page";
    previous: "Trang trước", "Previous";
    next: "Trang sau", "Next";
    total: "Tổng cộng", "Total";
    edit: "Sửa", "Edit";
    save: "Lưu", "Save";
    cancel: "Hủy", "Cancel";
    updated_at: "Cập nhật", "Updated";
    breadcrumb: "Vị trí", "Location";

    full_name: "Họ và tên", "Full name";

    verify_chain: "Kiểm tra chuỗi", "Verify the chain";
    what: "Nội dung", "What";

    nav_dedup: "Rà soát trùng lặp", "Duplicates";
    nav_households: "Hộ nghèo, cận nghèo", "Household registers";
    nav_devices: "Thiết bị", "Devices";
    device_count: "Số máy", "Devices";
    device_model: "Hãng, model", "Brand, model";
    donors: "Nhà tài trợ", "Donors";
    donations: "Tiếp nhận hiện vật", "Donations in kind";
    donation_new: "Ghi biên bản tiếp nhận", "Record a receipt";
    serials_field: "Số sê-ri (mỗi dòng một máy; IMEI sau dấu phẩy hoặc Tab)", "Serials (one device per line; the IMEI after a comma or a tab)";
    serials_help: "Có thể quét mã vạch, gõ, hoặc dán hai cột Số sê-ri và IMEI từ Excel.", "Scan the barcodes, type, or paste the Serial and IMEI columns from Excel.";
    batch: "Lô hàng", "Batch";
    batches: "Thẩm định và nhập kho", "Appraisal and stock";
    students_title: "Danh sách học sinh đề nghị hỗ trợ", "Students proposed for a computer";
    tier: "Đối tượng", "Tier";
    dob: "Ngày sinh", "Date of birth";
    student_code: "Mã định danh", "Student id";
    class_name: "Lớp", "Class";
    parent_name: "Cha, mẹ hoặc người giám hộ", "Parent or guardian";
    review: "Xét duyệt", "Review";
    row_no: "Dòng", "Row";
    preview: "Xem trước", "Preview";
    preview_title: "Kết quả đọc thử", "What the file holds";
    header_row: "Dòng tiêu đề", "Header row";
    rejected_rows: "Bị từ chối (không nhập)", "Rejected (not imported)";
    column: "Cột", "Column";
    problem: "Vấn đề", "Problem";
    confirm_import: "Xác nhận nhập", "Confirm the import";
    school: "Trường", "School";
    note: "Ghi chú", "Note";
    upload: "Tải lên", "Upload";
    error_title: "Có lỗi", "Something went wrong";
    error_forbidden: "Bạn không có quyền truy cập trang này.", "You may not open this page.";
    error_not_found: "Không tìm thấy trang hoặc dữ liệu này.", "This page or record does not exist.";
    request_id: "Mã yêu cầu", "Request id";
    checksum: "Mã kiểm tra tệp (SHA-256)", "File checksum (SHA-256)";
    back_home: "Về trang tổng quan", "Back to the dashboard";
    form_has_errors: "Vui lòng sửa các ô được đánh dấu.", "Please correct the marked fields.";
}
