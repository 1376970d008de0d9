      <symbol name="${name}" type="line" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleLine" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="capstyle" value="round" type="QString"/>
            <Option name="customdash" value="${dash}" type="QString"/>
            <Option name="customdash_unit" value="Pixel" type="QString"/>
            <Option name="joinstyle" value="round" type="QString"/>
            <Option name="line_color" value="${road}" type="QString"/>
            <Option name="line_style" value="solid" type="QString"/>
            <Option name="line_width" value="3" type="QString"/>
            <Option name="line_width_unit" value="Pixel" type="QString"/>
            <Option name="use_custom_dash" value="${use_dash}" type="QString"/>
          </Option>
        </layer>
      </symbol>
