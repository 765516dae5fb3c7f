//! The units area's interface strings, Vietnamese first; the shared ones come through
//! `Deref` to `i18n::Tr`.

crate::i18n::texts! {
    nav_units: "Đơn vị", "Units";
    nav_schools: "Trường học", "Schools";

    units_title: "Đơn vị và trường học", "Units and schools";
    schools_title: "Danh sách trường học", "Schools";
    level: "Cấp", "Level";
    kind: "Loại hình", "Type";
    agency: "Cơ quan", "Body";
    parent_unit: "Đơn vị cấp trên", "Parent unit";
    parent_code: "Mã đơn vị cấp trên", "Parent unit code";
    children: "Đơn vị trực thuộc", "Units under it";
    new_unit: "Thêm đơn vị", "Add a unit";
    edit_unit: "Sửa thông tin đơn vị", "Edit unit";
    code_help: "Để trống để hệ thống tự đặt mã theo đơn vị cấp trên và tên.", "Leave empty to derive the code from the parent unit and the name.";
    unit_saved: "Đã lưu thông tin đơn vị.", "The unit was saved.";
}
